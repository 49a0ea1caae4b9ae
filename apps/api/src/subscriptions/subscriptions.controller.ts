import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SubscriptionsService, groupingDefaults } from '@assay/alerts';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { projectOf } from '../alerts/principal-scope.js';
import {
  CreatedSubscriptionDto, CreateSubscriptionDto, DeliveryDto, DeliveryListDto, DeliveryListQuery, SubscriptionDto, SubscriptionListDto,
  UpdateSubscriptionDto,
} from './subscription.dto.js';

@ApiTags('subscriptions')
@Controller('v1')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post('subscriptions')
  @ApiOperation({ summary: 'Subscribe a webhook endpoint (the secret is shown once)' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: CreatedSubscriptionDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateSubscriptionDto): Promise<CreatedSubscriptionDto> {
    const format = body.format ?? 'assay';
    const defaults = groupingDefaults(format);
    const { subscription, secret } = await this.subscriptions.create(projectOf(principal), {
      name: body.name,
      url: body.url,
      format,
      models: body.models ?? [],
      severities: body.severities ?? [],
      kinds: body.kinds ?? [],
      events: body.events ?? [],
      groupBy: body.groupBy ?? defaults.groupBy,
      groupWaitSeconds: body.groupWaitSeconds ?? defaults.groupWaitSeconds,
      groupIntervalSeconds: body.groupIntervalSeconds ?? defaults.groupIntervalSeconds,
      repeatIntervalSeconds: body.repeatIntervalSeconds ?? defaults.repeatIntervalSeconds,
      sendResolved: body.sendResolved ?? true,
      enabled: body.enabled ?? true,
    });
    return { ...SubscriptionDto.from(subscription), secret };
  }

  @Get('subscriptions')
  @ApiOperation({ summary: 'List subscriptions' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: SubscriptionListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<SubscriptionListDto> {
    return { items: (await this.subscriptions.list(projectOf(principal))).map(SubscriptionDto.from) };
  }

  @Get('subscriptions/:id')
  @ApiOperation({ summary: 'Get a subscription' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: SubscriptionDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SubscriptionDto> {
    return SubscriptionDto.from(await this.subscriptions.get(projectOf(principal), id));
  }

  @Patch('subscriptions/:id')
  @ApiOperation({ summary: 'Change a subscription' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: SubscriptionDto })
  async update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateSubscriptionDto): Promise<SubscriptionDto> {
    return SubscriptionDto.from(await this.subscriptions.update(projectOf(principal), id, body));
  }

  @Delete('subscriptions/:id')
  @ApiOperation({ summary: 'Delete a subscription' })
  @HttpCode(204)
  @Roles(Role.Owner)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subscriptions.remove(projectOf(principal), id);
  }

  @Post('subscriptions/:id/test')
  @ApiOperation({ summary: 'Send a test delivery' })
  @ApiErrors({ 409: 'the subscription is disabled' })
  @HttpCode(202)
  @Roles(Role.Owner)
  @ApiAcceptedResponse({ type: DeliveryDto, description: 'the queued test delivery' })
  async test(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DeliveryDto> {
    return DeliveryDto.from(await this.subscriptions.sendTest(projectOf(principal), id));
  }

  @Get('subscriptions/:id/deliveries')
  @ApiOperation({ summary: 'List a subscription’s deliveries' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: DeliveryListDto })
  async deliveries(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() query: DeliveryListQuery): Promise<DeliveryListDto> {
    const items = await this.subscriptions.listDeliveries(projectOf(principal), id, query.limit ?? 50, query.before ? new Date(query.before) : undefined);
    return { items: items.map(DeliveryDto.from) };
  }

  @Post('deliveries/:id/redeliver')
  @ApiOperation({ summary: 'Deliver a message again' })
  @ApiErrors({ 409: 'the delivery’s subscription is disabled' })
  @HttpCode(202)
  @Roles(Role.Owner)
  @ApiAcceptedResponse({ type: DeliveryDto, description: 'a new delivery of the same message (same webhook-id and body)' })
  async redeliver(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<DeliveryDto> {
    return DeliveryDto.from(await this.subscriptions.redeliver(projectOf(principal), id));
  }
}
